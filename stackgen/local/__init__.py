"""Running a rendered stack on this machine: the native process runner and the notification sink."""
