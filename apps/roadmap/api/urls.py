"""Public roadmap API, mounted at /api/v1/ (namespace ``api-roadmap``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api-roadmap"

router = SimpleRouter()
router.register("actions", views.ActionViewSet, basename="action")
router.register("stakeholder-groups", views.StakeholderGroupViewSet, basename="stakeholder-group")
router.register("dimensions", views.DimensionViewSet, basename="dimension")

urlpatterns = [
    path("roadmap/", views.RoadmapView.as_view(), name="roadmap"),
    *router.urls,
]
