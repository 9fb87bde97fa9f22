from . import urls_handle, urls_public, urls_reviews

app_name = "feedback"

# Each side keeps its own routes so that its views, forms and templates stay in one place.
urlpatterns = urls_public.urlpatterns + urls_handle.urlpatterns + urls_reviews.urlpatterns
