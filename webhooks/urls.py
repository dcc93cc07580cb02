from django.urls import path

from webhooks.views import deliveries, endpoints

ROOT = "desk/integrations/webhooks/"

urlpatterns = [
    path(ROOT, endpoints.endpoint_list, name="webhook_endpoints"),
    path(f"{ROOT}new", endpoints.endpoint_new, name="webhook_endpoint_new"),
    path(f"{ROOT}<int:pk>/", endpoints.endpoint_edit, name="webhook_endpoint"),
    path(f"{ROOT}<int:pk>/rotate", endpoints.endpoint_rotate, name="webhook_endpoint_rotate"),
    path(
        f"{ROOT}<int:pk>/disable",
        endpoints.endpoint_disable_view,
        name="webhook_endpoint_disable",
    ),
    path(f"{ROOT}<int:pk>/enable", endpoints.endpoint_enable_view, name="webhook_endpoint_enable"),
    path(f"{ROOT}<int:pk>/deliveries/", deliveries.delivery_list, name="webhook_deliveries"),
    path(
        f"{ROOT}<int:pk>/deliveries/replay",
        deliveries.deliveries_replay_view,
        name="webhook_deliveries_replay",
    ),
    path(
        f"{ROOT}deliveries/<int:pk>/replay",
        deliveries.delivery_replay_view,
        name="webhook_delivery_replay",
    ),
]
