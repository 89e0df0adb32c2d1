from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "cchc.web"
    label = "web"
