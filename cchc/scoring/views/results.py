"""PAR index pages: results (being built)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
