"""Periodic report pages: province (being built)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
