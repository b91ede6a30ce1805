"""The route table: one router per resource."""

from mailconsole.service.routes import authentication, health, local, management, smtp_setup

ROUTERS = (management.router, authentication.router, smtp_setup.router, local.router, health.router)
