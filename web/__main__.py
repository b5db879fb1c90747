"""`python -m web`: serve the demo clinic page with the chat widget (web/server.py)."""
from .server import main

main()
