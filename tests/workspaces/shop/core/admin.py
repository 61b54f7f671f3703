# core has only abstract models; nothing to register.
