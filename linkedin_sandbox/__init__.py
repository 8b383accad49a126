"""LinkedIn API simulator for the ``linkedin_crm_connect`` add-on.

The sandbox serves LinkedIn's OAuth, Talent CRM Connect sync resources, job
postings and resume uploads on the loopback interface. It keeps state in
memory and is strict about the wire contract in ``docs/wire-contract.md``, so
that a client bug fails a test instead of passing silently. Start it with
``python -m linkedin_sandbox --port 8900``.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
