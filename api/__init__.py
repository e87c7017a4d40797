"""The GraphQL API (strawberry on Starlette): the composition root of the web process."""
