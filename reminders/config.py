"""A program's reminder settings (the plan's `reminders:` section); the schema lives in storage,
which checks it when a plan is read, so that a wrong setting refuses the whole import."""

from storage.reminder_settings import ReminderSettings, ReminderSettingsError

__all__ = ["ReminderSettings", "ReminderSettingsError"]
