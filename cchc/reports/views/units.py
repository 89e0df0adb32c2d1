"""Periodic report pages: units (being built)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
