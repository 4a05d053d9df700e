"""SQLAlchemy tables of the healthcare domain: reference data shared by every organization
(prescribers, concept groups, prescription volumes, patient-level attributes, patient audiences)
and, per organization, the NPI audience a healthcare campaign targets.

A campaign is "healthcare" when it has at least one `CampaignNpi` row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from adplane.core.clock import utcnow
from adplane.core.db import Base, UtcDateTime

CONCEPT_KINDS = ("drug", "diagnosis", "procedure")


class Prescriber(Base):
    """A healthcare professional identified by their NPI (10 digits, Luhn check digit)."""

    __tablename__ = "hc_prescribers"

    npi: Mapped[str] = mapped_column(String(10), primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    specialty: Mapped[str] = mapped_column(String(100), index=True)
    state: Mapped[str] = mapped_column(String(2), index=True)
    city: Mapped[str | None] = mapped_column(String(100))
    zip: Mapped[str | None] = mapped_column(String(10))


class ConceptGroup(Base):
    """A drug, diagnosis or procedure group (IQM's `conceptGroupId`)."""

    __tablename__ = "hc_concept_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20))


class ConceptCompetitor(Base):
    """`competitor_id` competes with `concept_group_id` (e.g. another brand in the same class)."""

    __tablename__ = "hc_concept_competitors"

    concept_group_id: Mapped[int] = mapped_column(
        ForeignKey("hc_concept_groups.id", ondelete="CASCADE"), primary_key=True
    )
    competitor_id: Mapped[int] = mapped_column(
        ForeignKey("hc_concept_groups.id", ondelete="CASCADE"), primary_key=True
    )


class WeeklyVolume(Base):
    """Prescriptions (or diagnoses/procedures) of one prescriber for one concept group in the
    week starting on `week_start` (a Monday)."""

    __tablename__ = "hc_weekly_volumes"

    npi: Mapped[str] = mapped_column(ForeignKey("hc_prescribers.npi", ondelete="CASCADE"), primary_key=True)
    concept_group_id: Mapped[int] = mapped_column(
        ForeignKey("hc_concept_groups.id", ondelete="CASCADE"), primary_key=True
    )
    week_start: Mapped[date] = mapped_column(Date, primary_key=True)
    volume: Mapped[int] = mapped_column(Integer)


class PatientAudience(Base):
    """A patient-level audience (IQM's `audienceId` in AQS requests)."""

    __tablename__ = "hc_patient_audiences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(255))


class AudienceMember(Base):
    """A pseudonymous user (the events' `user_id`) who belongs to a patient audience."""

    __tablename__ = "hc_audience_members"

    audience_id: Mapped[int] = mapped_column(
        ForeignKey("hc_patient_audiences.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class PatientAttribute(Base):
    """Claims evidence: the pseudonymous user has a prescription/diagnosis/procedure of a concept
    group. AQS counts exposed users that have it."""

    __tablename__ = "hc_patient_attributes"

    user_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    concept_group_id: Mapped[int] = mapped_column(
        ForeignKey("hc_concept_groups.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    observed_on: Mapped[date | None] = mapped_column(Date)


class CampaignNpi(Base):
    """One NPI of a healthcare campaign's matched audience, scoped by `ow_id`. No FK to campaigns
    (the reference data does not depend on the campaigns migration) nor to prescribers (an
    uploaded NPI list may hold NPIs missing from the reference data)."""

    __tablename__ = "hc_campaign_npis"
    __table_args__ = (UniqueConstraint("campaign_id", "npi"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ow_id: Mapped[int] = mapped_column(Integer, index=True)
    campaign_id: Mapped[int] = mapped_column(Integer, index=True)
    npi: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AbmMapping(Base):
    """One row of IQM's ABM "healthcare data": the professionals sharing an account, a title, a speciality and
    a city (`reach` of them). Derived from the prescribers by `adplane.healthcare.abm_data.rebuild`; ids are
    reassigned (1..n in a stable order) whenever the reference data is replaced."""

    __tablename__ = "hc_abm_mappings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data_provider_id: Mapped[int] = mapped_column(Integer, index=True)
    health_system_id: Mapped[int] = mapped_column(Integer, index=True)
    health_system_name: Mapped[str] = mapped_column(String(255))
    account_id: Mapped[int] = mapped_column(Integer, index=True)
    account_name: Mapped[str] = mapped_column(String(255))
    account_type_id: Mapped[int] = mapped_column(Integer)
    account_type_name: Mapped[str] = mapped_column(String(100))
    account_subtype_id: Mapped[int] = mapped_column(Integer)
    account_subtype_name: Mapped[str] = mapped_column(String(100))
    title_id: Mapped[int] = mapped_column(Integer)
    title_name: Mapped[str] = mapped_column(String(50))
    speciality_id: Mapped[int] = mapped_column(Integer, index=True)
    speciality_name: Mapped[str] = mapped_column(String(100))
    taxonomy_code: Mapped[str | None] = mapped_column(String(10))
    audience_subtype_id: Mapped[int | None] = mapped_column(Integer)
    country_id: Mapped[int] = mapped_column(Integer)
    state_id: Mapped[int | None] = mapped_column(Integer)
    state_name: Mapped[str] = mapped_column(String(100))
    city_id: Mapped[int | None] = mapped_column(Integer)
    city_name: Mapped[str] = mapped_column(String(150))
    reach: Mapped[int] = mapped_column(Integer)  # professionals (NPIs) of the row


class AbmProfessional(Base):
    """Which ABM healthcare-data row a prescriber belongs to (each NPI to exactly one)."""

    __tablename__ = "hc_abm_professionals"

    npi: Mapped[str] = mapped_column(String(10), primary_key=True)
    mapping_id: Mapped[int] = mapped_column(ForeignKey("hc_abm_mappings.id", ondelete="CASCADE"), index=True)
