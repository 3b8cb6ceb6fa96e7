from django.urls import path

from . import views

app_name = "api-pulse"

urlpatterns = [
    path("pulse/", views.PulseView.as_view(), name="pulse"),
    path("pulse/responses/", views.PulseResponseView.as_view(), name="responses"),
]
