from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "cchc.tasks"
    label = "tasks"
