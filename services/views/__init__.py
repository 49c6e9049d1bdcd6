"""Public pages of the electronic family centre, one module per feature."""
