from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "cchc.organizations"
    label = "organizations"
