"""Reading what residents type into the request form: one module per kind of answer."""
