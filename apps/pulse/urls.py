from django.urls import path

from . import views

app_name = "pulse"

urlpatterns = [
    path("pulse/", views.PulseView.as_view(), name="answer"),
]
