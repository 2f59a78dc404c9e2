"""The framework's limit: bare FastAPI endpoints returning a constant, served by the same
uvicorn command and worker count as the real app (`uvicorn bench.bare_app:app`).

Plain `def` routes like the service's own (FastAPI runs them in its thread pool); the POST
route parses its JSON body like any route with a body does.
"""

from typing import Any

from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
CONSTANT = {"id": "hh_01jbench0000000000000000", "status": "ok"}


@app.get("/readyz")
def readyz() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/constant")
def get_constant() -> dict[str, str]:
    return CONSTANT


@app.post("/constant", status_code=201)
def post_constant(body: dict[str, Any]) -> dict[str, str]:
    return CONSTANT


@app.get("/constant-async")
async def get_constant_async() -> dict[str, str]:
    return CONSTANT
