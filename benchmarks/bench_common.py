"""Parts shared by the benchmark scripts: the sandbox's control client and
the facts about the machine that every figures page states."""

import os
import platform

import psutil
import requests


class SandboxControl:
    """Client of the sandbox's control endpoints (``/sandbox/...``)."""

    def __init__(self, url):
        self.url = url.rstrip("/")
        self.session = requests.Session()

    def call(self, method, path, **kwargs):
        """Send one control request; return its JSON body, or None when empty."""
        response = self.session.request(
            method, self.url + path, timeout=(5, 120), **kwargs
        )
        response.raise_for_status()
        return response.json() if response.content else None

    def register_client(self, client_id, secret):
        body = {"client_id": client_id, "client_secret": secret}
        return self.call("POST", "/sandbox/clients", json=body)

    def configure(self, **settings):
        return self.call("POST", "/sandbox/config", json=settings)

    def stats(self):
        return self.call("GET", "/sandbox/stats")

    def entities(self, resource, context):
        return self.call(
            "GET",
            "/sandbox/entities",
            params={"resource": resource, "integrationContext": context},
        )["elements"]

    def counts(self, context):
        return self.call(
            "GET", "/sandbox/counts", params={"integrationContext": context}
        )


def machine_facts(env):
    """Return the cores, CPU, memory and software versions of this machine."""
    import odoo

    env.cr.execute("SHOW server_version")
    postgres_version = env.cr.fetchone()[0]
    cpu_model = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu_model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_bytes": psutil.virtual_memory().total,
        "python": platform.python_version(),
        "postgres": postgres_version.split()[0],
        "odoo": odoo.release.version,
    }
