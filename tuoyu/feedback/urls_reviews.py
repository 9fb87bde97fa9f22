"""Routes of the reviews side of feedback; tuoyu/feedback/urls.py joins them under the "feedback" namespace."""

urlpatterns: list = []
