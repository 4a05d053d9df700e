"""Rules of the Conversion API: definitions, static lists, campaign links, custom fields and the pixel e-mail."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adplane.campaigns.models import STATUS_DRAFT, STATUS_PENDING, STATUS_REJECTED, STATUS_RUNNING, Campaign
from adplane.conversions import catalog
from adplane.conversions import repository as repo
from adplane.conversions.models import Conversion
from adplane.conversions.schemas import (
    AssignToCampaigns,
    CustomFieldList,
    PixelAdd,
    PixelUpdate,
    PostbackAdd,
    PostbackUpdate,
    SendPixelEmail,
)
from adplane.core.clock import to_epoch_ms, to_epoch_s
from adplane.core.deps import Principal
from adplane.core.errors import ApiError, Forbidden, ValidationFailed
from adplane.core.listing import (
    apply_sort,
    count,
    in_ids,
    page_offset,
    page_rows,
    parse_ids,
    parse_sort,
    sort_in_memory,
    text_matches,
)
from adplane.core.settings import Settings
from adplane.insertion_orders import metrics as campaign_metrics
from adplane.insertion_orders.models import InsertionOrder

# Conversions are attached to (or removed from) a campaign only before it runs (IQM's guide).
ATTACHABLE_STATUSES = (STATUS_DRAFT, STATUS_PENDING, STATUS_REJECTED)


# --------------------------------------------------------------------------- ids and URLs


def pixel_url(settings: Settings, conversion: Conversion) -> str:
    return f"{settings.public_base_url}/i/pixel/{conversion.uuid}"


def pixel_script(settings: Settings, conversion: Conversion) -> str:
    return f"<script src='{pixel_url(settings, conversion)}?cv={{CONVERSION_VALUE}}' async></script>"


def postback_token(settings: Settings, uuid: str) -> str:
    """The per-conversion secret a postback must carry: derived from the server key, so nothing is stored."""
    key = settings.resolved_secret_key.encode()
    return hmac.new(key, f"conversion-postback:{uuid}".encode(), hashlib.sha256).hexdigest()[:40]


def postback_url(settings: Settings, conversion: Conversion) -> str:
    token = postback_token(settings, conversion.uuid)
    return (f"{settings.public_base_url}/i/postback/{conversion.uuid}?token={token}"
            "&tid={TRANSACTION_ID}&uid={DEVICE_ID}&cv={REVENUE}&ts={TIMESTAMP}")


# --------------------------------------------------------------------------- static lists


def static_list(items: Sequence[dict[str, Any]], search: str | None, ids_raw: str | None, field: str
                ) -> dict[str, Any]:
    wanted = parse_ids(ids_raw, field)
    rows = [item for item in items
            if (not wanted or item["id"] in wanted) and text_matches(search, [item["name"], item.get("displayName")])]
    return {"data": rows, "totalRecords": len(items), "filteredRecords": len(rows)}


# --------------------------------------------------------------------------- wire shapes


def _partner(conversion: Conversion) -> dict[str, Any] | None:
    return catalog.PARTNERS_BY_ID.get(conversion.partner_type_id or 0)


def _piggyback(conversion: Conversion) -> dict[str, Any] | None:
    if conversion.piggyback_url is None and conversion.piggyback_type_id is None:
        return None
    return {"url": conversion.piggyback_url, "type": conversion.piggyback_type_id}


def _setting(conversion: Conversion) -> dict[str, Any]:
    return {
        "conversionDuration": {"view": conversion.post_view_days, "click": conversion.post_click_days},
        "repeatConversion": {"count": conversion.repeat_count, "frequency": conversion.repeat_frequency,
                             "unit": conversion.repeat_unit},
        "crossModelling": conversion.cross_modelling,
    }


def details(settings: Settings, conversion: Conversion) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": conversion.id, "name": conversion.name, "uuid": conversion.uuid, "typeId": conversion.type_id,
        "owId": conversion.ow_id, "createdByUowId": conversion.created_by_uow_id,
        "modifiedByUowId": conversion.modified_by_uow_id, "statusId": conversion.status_id,
        "created": to_epoch_ms(conversion.created_at),
    }
    if conversion.type_id == catalog.TYPE_PIXEL:
        out.update({
            "attributionId": conversion.attribution_id, "customFields": list(conversion.custom_fields or []),
            "financialMetrics": conversion.financial_metric, "piggybackData": _piggyback(conversion),
            "pixelConversionScript": pixel_script(settings, conversion), "pixelUrl": pixel_url(settings, conversion),
            "conversionSetting": _setting(conversion),
        })
    else:
        out.update({"partnerTypeId": conversion.partner_type_id, "impressionUrl": conversion.impression_url,
                    "clickUrl": conversion.click_url, "postbackUrl": postback_url(settings, conversion)})
    return out


def _saved(session: Session, settings: Settings, conversion: Conversion) -> dict[str, Any]:
    """The answer of pixel/add and postback/add: counted like the list (a conversion just made has no hits)."""
    partner = _partner(conversion)
    counts = repo.hit_counts(session, [conversion.id]).get(conversion.id, repo.HitCounts())
    out: dict[str, Any] = {
        "id": conversion.id, "name": conversion.name, "status": catalog.STATUS_NAMES[conversion.status_id],
        "type": catalog.TYPE_NAMES[conversion.type_id], "created": to_epoch_ms(conversion.created_at),
        "totalConversions": counts.total, "owId": conversion.ow_id, "createdByUowId": conversion.created_by_uow_id,
        "modifiedByUowId": conversion.modified_by_uow_id, "uuid": conversion.uuid,
        "attributedConversions": counts.attributed, "attributedViewThroughConversions": counts.view_through,
        "attributedClickThroughConversions": counts.click_through,
        "pixelFinancialMetric": conversion.financial_metric,
        "postbackPartnerLogoURL": partner["logoUrl"] if partner else None,
        "partnerUrl": catalog.PARTNER_SITES.get(conversion.partner_type_id or 0),
    }
    if conversion.type_id == catalog.TYPE_PIXEL:
        out["postbackPartnerName"] = None
        out["pixelConversionScript"] = pixel_script(settings, conversion)
    else:
        out["partnerName"] = partner["name"] if partner else None
        out["postbackUrl"] = postback_url(settings, conversion)
    return out


def _list_item(settings: Settings, conversion: Conversion, counts: repo.HitCounts, campaign_count: int
               ) -> dict[str, Any]:
    partner = _partner(conversion)
    is_pixel = conversion.type_id == catalog.TYPE_PIXEL
    return {
        "id": conversion.id, "name": conversion.name, "postbackPartnerName": partner["name"] if partner else None,
        "status": catalog.STATUS_NAMES[conversion.status_id], "type": catalog.TYPE_NAMES[conversion.type_id],
        "created": to_epoch_ms(conversion.created_at), "totalConversion": counts.total, "owId": conversion.ow_id,
        "createdByUowId": conversion.created_by_uow_id, "modifiedByUowId": conversion.modified_by_uow_id,
        "uuid": conversion.uuid, "pixelConversionScript": pixel_script(settings, conversion) if is_pixel else None,
        "attributedConversion": counts.attributed, "attributedViewThroughConversion": counts.view_through,
        "attributedClickThroughConversion": counts.click_through, "conversionValue": float(counts.value),
        "pixelFinancialMetric": conversion.financial_metric,
        "postbackPartnerLogoUrl": partner["logoUrl"] if partner else None, "campaignCount": campaign_count,
    }


# --------------------------------------------------------------------------- campaign metrics


@campaign_metrics.attributed_conversions.connect
def attributed_conversions(session: Session, owners: Mapping[int, int], start: datetime | None,
                           end: datetime | None) -> dict[int, campaign_metrics.Attributed]:
    """The campaign screens' attributed figures (`io/campaigns/list`), from the attribution's claims."""
    return {campaign_id: campaign_metrics.Attributed(view, click)
            for campaign_id, (view, click) in repo.attributed_by_campaign(session, owners, start, end).items()}


# --------------------------------------------------------------------------- create, update, delete


def _new(principal: Principal, type_id: int, status_id: int, name: str) -> Conversion:
    return Conversion(ow_id=principal.ow_id, uuid=secrets.token_hex(16), type_id=type_id, status_id=status_id,
                      name=name, created_by_uow_id=principal.uow_id, modified_by_uow_id=principal.uow_id,
                      custom_fields=[])


def create_pixel(session: Session, settings: Settings, principal: Principal, body: PixelAdd) -> dict[str, Any]:
    """A pixel starts Pending and turns Active with its first recorded hit."""
    conversion = _new(principal, catalog.TYPE_PIXEL, catalog.STATUS_PENDING, body.name)
    setting = body.conversion_setting
    conversion.attribution_id = body.attribution_id
    conversion.post_view_days = setting.conversion_duration.view
    conversion.post_click_days = setting.conversion_duration.click
    conversion.repeat_count = setting.repeat_conversion.count
    conversion.repeat_frequency = setting.repeat_conversion.frequency
    conversion.repeat_unit = setting.repeat_conversion.unit
    conversion.cross_modelling = setting.cross_modelling
    conversion.custom_fields = list(body.custom_fields)
    conversion.financial_metric = body.financial_metrics
    if body.piggyback_data is not None:
        conversion.piggyback_url = body.piggyback_data.url
        conversion.piggyback_type_id = body.piggyback_data.type
    session.add(conversion)
    session.commit()
    return _saved(session, settings, conversion)


def create_postback(session: Session, settings: Settings, principal: Principal, body: PostbackAdd
                    ) -> dict[str, Any]:
    """A postback is Active at once: its partner calls the postback URL."""
    conversion = _new(principal, catalog.TYPE_POSTBACK, catalog.STATUS_ACTIVE, body.name)
    conversion.partner_type_id = body.partner_type_id
    conversion.impression_url = body.impression_url
    conversion.click_url = body.click_url
    session.add(conversion)
    session.commit()
    return _saved(session, settings, conversion)


def _of_type(session: Session, principal: Principal, conversion_id: int, type_id: int) -> Conversion:
    conversion = repo.get_live(session, principal.ow_id, conversion_id, field="id", for_update=True)
    if conversion.type_id != type_id:
        raise ValidationFailed(f"Conversion {conversion_id} is not a {catalog.TYPE_NAMES[type_id].lower()} "
                               "conversion.", field="id")
    return conversion


def update_pixel(session: Session, principal: Principal, body: PixelUpdate) -> dict[str, Any]:
    conversion = _of_type(session, principal, body.id, catalog.TYPE_PIXEL)
    conversion.name = body.name
    if body.piggyback_data is not None:
        conversion.piggyback_url = body.piggyback_data.url
        conversion.piggyback_type_id = body.piggyback_data.type
    conversion.modified_by_uow_id = principal.uow_id
    session.commit()
    out: dict[str, Any] = {"id": conversion.id, "name": conversion.name}
    if (piggyback := _piggyback(conversion)) is not None:
        out["piggybackData"] = piggyback
    return out


def update_postback(session: Session, principal: Principal, body: PostbackUpdate) -> dict[str, Any]:
    conversion = _of_type(session, principal, body.id, catalog.TYPE_POSTBACK)
    conversion.name = body.name
    conversion.modified_by_uow_id = principal.uow_id
    session.commit()
    return {"id": conversion.id, "name": conversion.name}


def delete(session: Session, principal: Principal, raw_ids: str | None, *, only_type: int | None = None) -> None:
    """Soft delete, all or nothing; a conversion a running campaign uses stays. Links of other campaigns go."""
    ids = parse_ids(raw_ids, "conversionIds", required=True)
    conversions = repo.get_many(session, principal.ow_id, ids, field="conversionIds", for_update=True)
    if only_type is not None and any(c.type_id != only_type for c in conversions):
        raise ValidationFailed("Invalid conversion id.", field="conversionIds")
    campaigns = repo.org_campaigns(session, principal.ow_id)
    linked = repo.campaigns_by_conversion(campaigns)
    for conversion in conversions:
        if any(c.status == STATUS_RUNNING for c in linked.get(conversion.id, [])):
            raise ValidationFailed("This conversion is associated with a running campaign and cannot be deleted",
                                   field="conversionIds")
    for conversion in conversions:
        conversion.is_deleted = True
        conversion.modified_by_uow_id = principal.uow_id
        for campaign in linked.get(conversion.id, []):
            _set_links(campaign, [i for i in _links(campaign) if i != conversion.id])
    session.commit()


# --------------------------------------------------------------------------- lists


LIST_SORT = {"id": Conversion.id, "name": Conversion.name, "created": Conversion.created_at,
             "status": Conversion.status_id, "type": Conversion.type_id}


def list_conversions(session: Session, settings: Settings, principal: Principal, *, search: str | None,
                     limit: int, page_no: int, sort_by: str | None, conversion_ids: str | None,
                     type_ids: str | None, status_ids: str | None, partner_ids: str | None) -> dict[str, Any]:
    base = repo.live(principal.ow_id)
    stmt = base
    if (condition := repo.search_clause(search)) is not None:
        stmt = stmt.where(condition)
    for raw, field, column in ((conversion_ids, "conversionIds", Conversion.id),
                               (type_ids, "typeIds", Conversion.type_id),
                               (status_ids, "statusIds", Conversion.status_id),
                               (partner_ids, "postbackPartnerIds", Conversion.partner_type_id)):
        if wanted := parse_ids(raw, field):
            stmt = stmt.where(in_ids(column, wanted))
    order = parse_sort(sort_by, LIST_SORT, "-created")
    total = count(session, base)
    filtered = count(session, stmt)
    rows = list(session.scalars(apply_sort(stmt, order, Conversion.id).offset((page_no - 1) * limit).limit(limit)))
    counts = repo.hit_counts(session, [c.id for c in rows])
    linked = repo.campaigns_by_conversion(repo.org_campaigns(session, principal.ow_id))
    data = [_list_item(settings, c, counts.get(c.id, repo.HitCounts()), len(linked.get(c.id, []))) for c in rows]
    return {"data": data, "totalRecords": total, "filteredRecords": filtered}


def basic_list(session: Session, principal: Principal, search: str | None, limit: int, page_no: int
               ) -> list[dict[str, Any]]:
    """v2 basic list; pageNo -1 means no paging. isROAS: the conversion carries a value."""
    stmt = repo.live(principal.ow_id)
    if (condition := repo.search_clause(search)) is not None:
        stmt = stmt.where(condition)
    stmt = stmt.order_by(Conversion.id)
    if page_no != -1:
        stmt = stmt.offset((page_no - 1) * limit).limit(limit)
    rows = list(session.scalars(stmt))
    with_values = repo.has_value_hits(session, [c.id for c in rows])
    return [{"id": c.id, "name": c.name, "isROAS": bool(c.financial_metric) or c.id in with_values} for c in rows]


def type_wise_count(session: Session, principal: Principal, search: str | None) -> list[dict[str, Any]]:
    stmt = select(Conversion.type_id, func.count()).where(
        Conversion.ow_id == principal.ow_id, Conversion.is_deleted.is_(False))
    if (condition := repo.search_clause(search)) is not None:
        stmt = stmt.where(condition)
    counts = {type_id: n for type_id, n in session.execute(stmt.group_by(Conversion.type_id))}
    return [{"conversionType": catalog.TYPE_NAMES[t["id"]].upper(), "conversionCount": counts.get(t["id"], 0),
             "order": t["order"]} for t in catalog.CONVERSION_TYPES]


def _check_ow_id(principal: Principal, ow_id: int | None) -> None:
    if ow_id is not None and ow_id != principal.ow_id:
        raise Forbidden("User is not allowed to access provided organization's conversions.", field="owId")


def campaign_view(session: Session, principal: Principal, raw_ids: str | None, ow_id: int | None
                  ) -> dict[str, Any]:
    """GET /api/v3/cmp/conversions/list: the named conversions as the campaign screens show them."""
    _check_ow_id(principal, ow_id)
    ids = parse_ids(raw_ids, "conversionIds", required=True)
    conversions = repo.get_many(session, principal.ow_id, ids, field="conversionIds")
    data = []
    for conversion in conversions:
        row: dict[str, Any] = {"id": conversion.id, "name": conversion.name,
                               "created": to_epoch_ms(conversion.created_at)}
        if conversion.type_id == catalog.TYPE_PIXEL:
            row["status"] = catalog.STATUS_NAMES[conversion.status_id]
        else:
            partner = _partner(conversion)
            row["partnerName"] = partner["name"] if partner else None
            row["logoUrl"] = partner["logoUrl"] if partner else None
        data.append(row)
    total = count(session, repo.live(principal.ow_id))
    return {"totalRecords": total, "conversionData": data, "filteredRecords": len(data)}


# --------------------------------------------------------------------------- campaign links


def _links(campaign: Campaign) -> list[int]:
    return repo.parse_conversion_ids((campaign.extra or {}).get("conversionIds"))


def _set_links(campaign: Campaign, ids: list[int]) -> None:
    # IQM's campaign body carries conversionIds as a comma separated string.
    campaign.extra = {**(campaign.extra or {}), "conversionIds": ",".join(str(i) for i in ids)}


def assign(session: Session, principal: Principal, body: AssignToCampaigns) -> dict[str, Any]:
    """Attach/detach conversions; a campaign that is not the organization's or already runs is listed invalid."""
    ids = body.conversion_id_list if body.conversion_id_list is not None else body.conversion_ids
    if not ids:
        raise ValidationFailed("conversionIdList is required.", field="conversionIdList")
    ids = list(dict.fromkeys(ids))
    repo.get_many(session, principal.ow_id, ids, field="conversionIdList", for_update=True)
    wanted = list(dict.fromkeys([*body.add_campaigns_list, *body.remove_campaigns_list]))
    campaigns = {c.id: c for c in repo.org_campaigns(session, principal.ow_id, wanted)}
    result: dict[str, list[int]] = {"validAdd": [], "invalidAdd": [], "validRemove": [], "invalidRemove": []}
    for key, campaign_ids, adding in (("Add", body.add_campaigns_list, True),
                                      ("Remove", body.remove_campaigns_list, False)):
        for campaign_id in dict.fromkeys(campaign_ids):
            campaign = campaigns.get(campaign_id)
            if campaign is None or campaign.status not in ATTACHABLE_STATUSES:
                result[f"invalid{key}"].append(campaign_id)
                continue
            current = _links(campaign)
            updated = [*current, *[i for i in ids if i not in current]] if adding else \
                [i for i in current if i not in ids]
            _set_links(campaign, updated)
            result[f"valid{key}"].append(campaign_id)
    session.commit()
    return {"conversionIdsList": ids[0] if len(ids) == 1 else ids,
            "validAddCampaignIdsList": result["validAdd"], "invalidAddCampaignIdsList": result["invalidAdd"],
            "validRemoveCampaignIdsList": result["validRemove"],
            "invalidRemoveCampaignIdsList": result["invalidRemove"]}


def _orders(session: Session, campaigns: Sequence[Campaign]) -> dict[int, InsertionOrder]:
    io_ids = {c.io_id for c in campaigns}
    if not io_ids:
        return {}
    return {o.id: o for o in session.scalars(select(InsertionOrder).where(InsertionOrder.id.in_(io_ids)))}


def attached_campaigns(session: Session, principal: Principal, conversion_id: int) -> dict[str, Any]:
    repo.get_live(session, principal.ow_id, conversion_id)
    campaigns = repo.org_campaigns(session, principal.ow_id)
    attached = repo.campaigns_by_conversion(campaigns).get(conversion_id, [])
    orders = _orders(session, attached)
    data = []
    for campaign in attached:
        order = orders.get(campaign.io_id)
        data.append({"campaignId": campaign.id, "campaignName": campaign.name,
                     "creativeTypeId": campaign.creative_type_id, "status": campaign.status,
                     "startTime": to_epoch_s(campaign.start_time), "endTime": to_epoch_s(campaign.end_time),
                     "ioId": campaign.io_id, "ioName": order.name if order else None,
                     "ioStatusId": order.status_id if order else None,
                     "ioBudgetTypeId": order.budget_type_id if order else None})
    return {"success": True, "data": data, "totalRecords": len(campaigns), "filterRecords": len(data)}


ALLOWED_SORT: dict[str, Any] = {"ioId": lambda g: g["ioId"], "ioName": lambda g: g["ioName"].lower(),
                                "created": lambda g: g["created"] or 0}


def allowed_campaigns(session: Session, principal: Principal, *, raw_ids: str | None, ow_id: int | None,
                      limit: int, page_no: int, sort_by: str | None, search: str | None) -> dict[str, Any]:
    """Campaigns the conversions may still be attached to (not yet running), grouped by insertion order."""
    _check_ow_id(principal, ow_id)
    ids = parse_ids(raw_ids, "conversionIds")
    repo.get_many(session, principal.ow_id, ids, field="conversionIds")
    campaign_desc = _campaign_order(sort_by)
    group_sort = [(ALLOWED_SORT[name], desc) for name, desc in _sort_parts(sort_by) if name in ALLOWED_SORT]
    campaigns = [c for c in repo.org_campaigns(session, principal.ow_id) if c.status in ATTACHABLE_STATUSES]
    orders = _orders(session, campaigns)
    needle = (search or "").strip().lower()
    groups: dict[int, dict[str, Any]] = {}
    for campaign in campaigns:
        order = orders[campaign.io_id]
        if needle and needle not in campaign.name.lower() and needle not in order.name.lower() \
                and needle != str(campaign.id):
            continue
        group = groups.setdefault(order.id, {
            "ioId": order.id, "ioName": order.name, "ioBudgetTypeId": order.budget_type_id,
            "ioStatusId": order.status_id, "created": to_epoch_ms(order.created_at),
            "lastModified": to_epoch_ms(order.modified_at), "owId": order.ow_id, "uowId": order.created_by_uow_id,
            "campaignCount": 0, "campaigns": []})
        row = {"id": campaign.id, "campaignId": campaign.id, "name": campaign.name,
               "creativeTypeId": campaign.creative_type_id, "status": campaign.status,
               "startTime": to_epoch_s(campaign.start_time), "endTime": to_epoch_s(campaign.end_time),
               "createdAt": to_epoch_s(campaign.created_at), "modifiedAt": to_epoch_ms(campaign.modified_at),
               "owId": campaign.ow_id, "ioId": order.id, "ioName": order.name, "ioStatusId": order.status_id,
               "timezoneId": campaign.timezone_id, "campaignTypeId": campaign.campaign_type_id,
               "ioBudgetTypeId": order.budget_type_id,
               "targetedAudienceIds": (campaign.extra or {}).get("whiteListedAudienceIds"),
               "prebidAudienceProviderId": None}
        if ids:
            row["isAttached"] = any(i in ids for i in _links(campaign))
        group["campaigns"].append(row)
        group["campaignCount"] += 1
    ordered = sort_in_memory(list(groups.values()), group_sort or [(ALLOWED_SORT["ioId"], True)])
    for group in ordered:
        group["campaigns"].sort(key=lambda c: c["campaignId"], reverse=campaign_desc)
    page = page_rows(ordered, *page_offset(page_no, limit))
    return {"totalRecords": len(groups), "ioCampaignsList": page, "filteredRecords": len(page)}


def _sort_parts(sort_by: str | None) -> list[tuple[str, bool]]:
    """The groups' sort (`ALLOWED_SORT`) and the campaigns' order inside them (`campaignId`), as wire names."""
    return parse_sort(sort_by, {name: name for name in (*ALLOWED_SORT, "campaignId")}, "-ioId,-campaignId")


def _campaign_order(sort_by: str | None) -> bool:
    return dict(_sort_parts(sort_by)).get("campaignId", True)


# --------------------------------------------------------------------------- custom fields


CUSTOM_FIELD_SORT: dict[str, Any] = {"id": lambda r: r["id"], "pixelName": lambda r: r["pixelName"].lower(),
                                     "customFieldName": lambda r: r["customFieldName"].lower()}


def custom_fields(session: Session, principal: Principal, body: CustomFieldList) -> dict[str, Any]:
    """Every custom field of the organization's pixels, one row per (pixel, field)."""
    ow_ids = body.ow_ids if body.ow_ids is not None else body.customer_ids
    visible = not ow_ids or principal.ow_id in ow_ids
    pixels = list(session.scalars(repo.live(principal.ow_id).where(Conversion.type_id == catalog.TYPE_PIXEL)
                                  .order_by(Conversion.id))) if visible else []
    rows = [{"id": p.id, "pixelName": p.name, "customFieldName": name}
            for p in pixels for name in (p.custom_fields or [])]
    filtered = [r for r in rows if text_matches(body.search_field, (r["pixelName"], r["customFieldName"]))
                or (body.search_field or "").strip() == str(r["id"])]
    ordered = sort_in_memory(filtered, parse_sort(body.sort_by, CUSTOM_FIELD_SORT, "-id"))
    return {"totalRecords": len(rows), "filterRecords": len(filtered),
            "customFieldData": page_rows(ordered, *page_offset(body.page_no, body.no_of_entries))}


# --------------------------------------------------------------------------- pixel e-mail


class PixelMailNotSent(ApiError):
    status_code = 503


def send_pixel_email(session: Session, settings: Settings, principal: Principal, body: SendPixelEmail) -> str:
    """Mail the pixel's script and how to place it to each recipient (SMTP or the outbox)."""
    from email_validator import EmailNotValidError, validate_email

    from adplane.mail.compose import compose
    from adplane.mail.sender import MailError, send

    conversion = repo.get_live(session, principal.ow_id, body.conversion_id)
    if conversion.type_id != catalog.TYPE_PIXEL:
        raise ValidationFailed(f"Conversion {conversion.id} is not a pixel conversion.", field="conversionId")
    recipients: list[str] = []
    for item in [r.strip() for r in body.recipients.split(",") if r.strip()]:
        try:
            recipients.append(validate_email(item, check_deliverability=False).normalized)
        except EmailNotValidError:
            raise ValidationFailed(f"Invalid email in recipients: {item[:100]}", field="recipients") from None
    if not recipients or len(recipients) > 50:
        raise ValidationFailed("recipients must hold 1 to 50 e-mail addresses.", field="recipients")
    greeting = (body.email_text or "Hello, ${userName} has sent you a pixel code to integrate.").replace(
        "${userName}", principal.email)
    text = (f"{greeting}\n\nPlace this tag on the page that completes the conversion ({conversion.name}):\n\n"
            f"{pixel_script(settings, conversion)}\n\nOr as an image:\n\n"
            f"<img src=\"{pixel_url(settings, conversion)}?cv={{CONVERSION_VALUE}}\" width=\"1\" height=\"1\" "
            "alt=\"\">\n\nReplace {CONVERSION_VALUE} with the value of the conversion (or leave it out); "
            "add tid=<order id> to count each order once.\n")
    try:
        send(settings, compose(settings, to=recipients, subject=body.email_subject, text=text))
    except MailError as exc:
        raise PixelMailNotSent(f"The pixel e-mail could not be sent: {exc}", field="recipients") from None
    return "Pixel conversion e-mail sent successfully."
