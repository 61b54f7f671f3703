"""Architecture rules (DJE1xx): settings structure, middleware, app configuration."""
