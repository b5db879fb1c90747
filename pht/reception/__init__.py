"""Reception: the staff CLI (`python -m pht.reception`), staff accounts and deleting a
person's data; a thin shell over pht/records, shared with the reception page (web/reception)."""
