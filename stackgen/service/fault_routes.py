"""/admin/faults: list and switch faults, by alert name (any spec) or by a scenario's fault name.

GET answers {"faults": {name: state}, "alerts": {alert: state}} where an alert's state says how it is
proven: "drive" (the service moves the series of its firing test), "alias" (a scenario fault that makes
real work fail), "stop_target" (the one running the stack stops the scrape target of `job`; the service
cannot fake `up`), or "unsupported" (with the reason). POST takes {"alert": NAME, "active": BOOL} or
{"fault": NAME, "active": BOOL}; what cannot be switched here answers 409 with the reason, a malformed
request 4xx with what to send.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from stackgen.service.alert_faults import DRIVE
from stackgen.service.bodies import read_json
from stackgen.service.driver import Driver
from stackgen.service.faults import Faults

log = logging.getLogger("stackgen.service")
USAGE = 'send {"alert": NAME, "active": true|false} or {"fault": NAME, "active": true|false}'


def fault_routes(faults: Faults, driver: Driver, aliases: dict[str, str]) -> list[BaseRoute]:
    def alert_state(alert: str) -> dict[str, Any]:
        if alert in aliases:
            fault = aliases[alert]
            return {"kind": "alias", "fault": fault, "active": faults.active(fault)}
        state = {**driver.faults[alert].describe(), "active": alert in driver.active}
        refusal = driver.refusal(alert)
        if state["kind"] == DRIVE and refusal:
            state.update(kind="elsewhere", reason=refusal)
        return state

    def listing() -> dict[str, Any]:
        return {"faults": faults.describe(), "alerts": {name: alert_state(name) for name in driver.faults}}

    async def list_faults(request: Request) -> JSONResponse:
        return JSONResponse(listing())

    async def set_fault(request: Request) -> JSONResponse:
        data = await read_json(request)
        active = data.get("active")
        if not isinstance(active, bool) or ("alert" in data) == ("fault" in data):
            raise HTTPException(422, USAGE)
        if "fault" in data:
            name = data["fault"]
            if not isinstance(name, str) or name not in faults.effects:
                raise HTTPException(422, f"{USAGE}; fault NAME one of: {', '.join(faults.effects) or '(none)'}")
            faults.set(name, active)
            log.warning("fault %s %s", name, "on" if active else "off")
            return JSONResponse({"fault": name, **faults.describe()[name]})
        alert = data["alert"]
        if not isinstance(alert, str) or alert not in driver.faults:
            raise HTTPException(422, f"{USAGE}; alert NAME one of: {', '.join(driver.faults) or '(none)'}")
        if alert in aliases:
            faults.set(aliases[alert], active)
        else:
            refusal = driver.refusal(alert)
            if refusal:
                raise HTTPException(409, f"alert {alert} cannot be switched here: {refusal}")
            driver.set(alert, active)
        log.warning("alert fault %s %s", alert, "on" if active else "off")
        return JSONResponse({"alert": alert, **alert_state(alert)})

    return [Route("/admin/faults", list_faults, methods=["GET"]), Route("/admin/faults", set_fault, methods=["POST"])]
