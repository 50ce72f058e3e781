from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware

# The API authenticates on its own (401/403 with JSON, never a redirect to the login page).
LOGIN_EXEMPT_PREFIXES = ("/api/",)
# Probes without a session: the health check.
LOGIN_EXEMPT_PATHS = ("/healthz",)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(LOGIN_EXEMPT_PREFIXES):
            return None
        if request.path_info in LOGIN_EXEMPT_PATHS:
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
