"""API design rules (DJE3xx): DRF serializers, views, forms."""
