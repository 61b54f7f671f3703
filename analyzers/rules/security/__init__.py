"""Security rules (DJE4xx): deployment settings, secrets, authentication and permissions, injection."""
