# syntax=docker/dockerfile:1
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY api ./api
COPY application ./application
COPY cotraitance ./cotraitance
COPY domain ./domain
COPY integrations ./integrations
COPY projections ./projections
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 cotraitance
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER cotraitance
WORKDIR /home/cotraitance
# Production by default: OIDC settings required, no dev issuer, GraphiQL or introspection.
ENV PYTHONUNBUFFERED=1 COTRAITANCE_ENV=prod
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"
CMD ["cotraitance", "serve", "--host", "0.0.0.0", "--port", "8000"]
