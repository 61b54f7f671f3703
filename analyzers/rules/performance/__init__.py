"""Performance rules (DJE5xx): N+1 queries across loops, serializers, templates and the
admin, queries in loops, query size checks, missing indexes, async views and tasks."""
