"""Routes of the public side of feedback; tuoyu/feedback/urls.py joins them under the "feedback" namespace."""

urlpatterns: list = []
