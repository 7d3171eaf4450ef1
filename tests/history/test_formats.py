"""Each adapter turns its vendor's columns into stage entries: HubSpot's API property names
as well as its export's, Salesforce's amount-only history rows folded away, Pipedrive's
won/lost status changes and reopenings."""

from __future__ import annotations

from bot.history.formats import hubspot, pipedrive, salesforce


def entries(rows: list) -> list[tuple[str, str, str]]:  # type: ignore[type-arg]
    return [(row.deal_id, row.stage, row.entered_at) for row in rows]


def test_hubspot_api_property_names_are_stage_ids() -> None:
    lines = [
        "hs_object_id,dealname,hubspot_owner_id,amount,closed_lost_reason,"
        "hs_v2_date_entered_appointmentscheduled,hs_v2_date_entered_closedlost\n",
        "77,Acme,UREPAAA01,100,No budget this year,2026-01-02T09:00:00.000Z,2026-01-09T10:00:00Z\n",
    ]
    rows = list(hubspot.read(lines, file="deals.csv"))
    assert entries(rows) == [
        ("77", "appointmentscheduled", "2026-01-02T09:00:00.000Z"),
        ("77", "closedlost", "2026-01-09T10:00:00Z"),
    ]
    assert [row.reason for row in rows] == ["", "No budget this year"]  # where it ended


def test_salesforce_rows_that_only_change_the_amount_are_no_stage_entries() -> None:
    history = [
        "OpportunityId,StageName,CreatedDate,Amount\n",
        "006A,Prospecting,2026-01-05T10:00:00.000+0000,100\n",
        "006A,Prospecting,2026-01-06T10:00:00.000+0000,150\n",
        "006A,Closed Lost,2026-01-07T10:00:00.000+0000,150\n",
    ]
    opportunities = ["Id,Name,OwnerId,Loss_Reason__c\n", "006A,Acme,005X,Timing\n"]
    rows = salesforce.read(history, opportunities, files=("h.csv", "o.csv"))
    assert [(row.stage, row.amount, row.reason, row.line) for row in rows] == [
        ("Prospecting", "150", "", 2),
        ("Closed Lost", "150", "Timing", 4),
    ]
    assert rows[0].name == "Acme" and rows[0].owner == "005X"


def test_pipedrive_status_changes_are_entries_and_a_reopen_returns_to_the_stage() -> None:
    deals = [
        "Deal - ID,Deal - Title,Deal - Owner,Deal - Stage,Deal - Deal created,Deal - Lost reason\n",
        "5,Acme,Maria,Demo,2026-01-01 09:00:00,Timing\n",
    ]
    flow = [
        "item_id,field_key,old_value,new_value,log_time\n",
        "5,status,lost,open,2026-01-09 09:00:00\n",
        "5,stage_id,1,3,2026-01-03 09:00:00\n",
        "5,status,open,lost,2026-01-05 09:00:00\n",
        "5,title,Acm,Acme,2026-01-04 09:00:00\n",
    ]
    rows = pipedrive.read(deals, flow, files=("deals.csv", "flow.csv"))
    assert entries(rows) == [
        ("5", "1", "2026-01-01 09:00:00"),
        ("5", "3", "2026-01-03 09:00:00"),
        ("5", "lost", "2026-01-05 09:00:00"),
        ("5", "3", "2026-01-09 09:00:00"),
    ]
    assert [row.reason for row in rows] == ["", "", "Timing", ""]
    assert [(row.file, row.line) for row in rows][:2] == [("deals.csv", 2), ("flow.csv", 3)]
