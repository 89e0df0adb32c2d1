"""PAR index pages: workflow (being built)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
