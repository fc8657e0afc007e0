"""Routes through which helpdesks reach shopbot (one module per helpdesk)."""
