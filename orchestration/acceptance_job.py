"""``accept_load``: release a reviewed, quarantined load from the Dagster UI (``warehouse accept``'s twin).

Launch the job from the Launchpad with its run config::

    ops:
      release_load:
        config:
          load_id: 20230703T010000000000Z-1a2b3c4d5e
          reason: "half a year of real history; the earlier load was the demo's longer series"
          accepted_by: "analyst name"   # optional; default: the OS user running Dagster

The acceptance is kept in ``quality.load_acceptances`` and observed on the source's landing
asset (its event history shows who, why and what it overrides). The next materialisation of
that landing asset, or the next weekly build, uses the load; its check then lists the accepted
load in its ``accepted_loads`` metadata. The op writes under the run's writer lease, like every
step that writes the working database (``orchestration.resources.WriterLock``).
"""

import dagster as dg
from pydantic import Field

from expectations.acceptance import AcceptanceError, accept_load, describe_acceptance
from ground.database import working
from ground.settings import paths
from orchestration.asset_keys import landing_key
from orchestration.resources import WriterLock
from warehouse.fingerprint import forget_record

ACCEPT_LOAD = "accept_load"
RELEASE_OP = "release_load"  # op names must differ from job names in one code location


class AcceptLoadConfig(dg.Config):
    load_id: str = Field(description="The quarantined load to release (`warehouse sources` lists them).")
    reason: str = Field(description="What you reviewed and why the load is right (kept in the quality history).")
    accepted_by: str = Field(default="", description="Who accepts it; default: the OS user running Dagster.")


@dg.op(
    name=RELEASE_OP,
    description="Release a quarantined load after review; the next build (or landing materialisation) uses it.",
)
def release_load_op(context: dg.OpExecutionContext, config: AcceptLoadConfig, writer_lock: WriterLock) -> None:
    with writer_lock.writing(context):
        try:
            with working() as con:
                acceptance = accept_load(
                    con,
                    config.load_id,
                    reason=config.reason,
                    by=config.accepted_by or None,
                    via=f"Dagster run {context.run.run_id}",
                )
        except AcceptanceError as exc:
            raise dg.Failure(description=str(exc), allow_retries=False) from exc
        forget_record(paths())  # the next `warehouse build` reads the load: never skip it as unchanged
    context.log.info(f"Accepted: {describe_acceptance(acceptance)}")
    context.log_event(
        dg.AssetObservation(
            asset_key=landing_key(acceptance.source),
            description=f"load {acceptance.load_id} accepted after review: {acceptance.reason}",
            metadata={
                "accepted_load_id": acceptance.load_id,
                "accepted_by": acceptance.accepted_by,
                "accepted_at": acceptance.accepted_at.isoformat(),
                "reason": acceptance.reason,
                "overrides": dg.MetadataValue.json(acceptance.overrides),
                "suite_hash": acceptance.suite_hash,
            },
        )
    )


@dg.job(
    name=ACCEPT_LOAD,
    description="Release a quarantined load you have reviewed (run config: load_id, reason, accepted_by). "
    "The acceptance is kept in the quality history; the next build uses the load.",
    tags={"warehouse/writer": "true"},
)
def accept_load_job() -> None:
    release_load_op()
