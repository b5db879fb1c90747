"""Reception: the staff CLI (`python -m actions.reception`), staff accounts and deleting a
person's data; a thin shell over actions/records, shared with the reception page (web/reception)."""
