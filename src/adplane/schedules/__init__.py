"""schedules domain (report deliveries)."""
