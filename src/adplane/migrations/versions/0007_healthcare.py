"""healthcare: prescribers, concept groups, weekly volumes, patient attributes, campaign NPIs

Revision ID: 0007_healthcare
Revises: 0001_foundation
Create Date: 2026-11-24 12:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import adplane.core.db

revision = "0007_healthcare"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hc_campaign_npis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ow_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('npi', sa.String(length=10), nullable=False),
    sa.Column('created_at', adplane.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hc_campaign_npis')),
    sa.UniqueConstraint('campaign_id', 'npi', name=op.f('uq_hc_campaign_npis_campaign_id'))
    )
    op.create_index(op.f('ix_hc_campaign_npis_campaign_id'), 'hc_campaign_npis', ['campaign_id'], unique=False)
    op.create_index(op.f('ix_hc_campaign_npis_ow_id'), 'hc_campaign_npis', ['ow_id'], unique=False)
    op.create_table('hc_concept_groups',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hc_concept_groups'))
    )
    op.create_table('hc_patient_audiences',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hc_patient_audiences'))
    )
    op.create_table('hc_prescribers',
    sa.Column('npi', sa.String(length=10), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('specialty', sa.String(length=100), nullable=False),
    sa.Column('state', sa.String(length=2), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('zip', sa.String(length=10), nullable=True),
    sa.PrimaryKeyConstraint('npi', name=op.f('pk_hc_prescribers'))
    )
    op.create_index(op.f('ix_hc_prescribers_specialty'), 'hc_prescribers', ['specialty'], unique=False)
    op.create_index(op.f('ix_hc_prescribers_state'), 'hc_prescribers', ['state'], unique=False)
    op.create_table('hc_audience_members',
    sa.Column('audience_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['audience_id'], ['hc_patient_audiences.id'], name=op.f('fk_hc_audience_members_audience_id_hc_patient_audiences'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('audience_id', 'user_id', name=op.f('pk_hc_audience_members'))
    )
    op.create_index(op.f('ix_hc_audience_members_user_id'), 'hc_audience_members', ['user_id'], unique=False)
    op.create_table('hc_concept_competitors',
    sa.Column('concept_group_id', sa.Integer(), nullable=False),
    sa.Column('competitor_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['competitor_id'], ['hc_concept_groups.id'], name=op.f('fk_hc_concept_competitors_competitor_id_hc_concept_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['concept_group_id'], ['hc_concept_groups.id'], name=op.f('fk_hc_concept_competitors_concept_group_id_hc_concept_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('concept_group_id', 'competitor_id', name=op.f('pk_hc_concept_competitors'))
    )
    op.create_table('hc_patient_attributes',
    sa.Column('user_id', sa.String(length=100), nullable=False),
    sa.Column('concept_group_id', sa.Integer(), nullable=False),
    sa.Column('observed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['concept_group_id'], ['hc_concept_groups.id'], name=op.f('fk_hc_patient_attributes_concept_group_id_hc_concept_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'concept_group_id', name=op.f('pk_hc_patient_attributes'))
    )
    op.create_index(op.f('ix_hc_patient_attributes_concept_group_id'), 'hc_patient_attributes', ['concept_group_id'], unique=False)
    op.create_table('hc_weekly_volumes',
    sa.Column('npi', sa.String(length=10), nullable=False),
    sa.Column('concept_group_id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('volume', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['concept_group_id'], ['hc_concept_groups.id'], name=op.f('fk_hc_weekly_volumes_concept_group_id_hc_concept_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['npi'], ['hc_prescribers.npi'], name=op.f('fk_hc_weekly_volumes_npi_hc_prescribers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('npi', 'concept_group_id', 'week_start', name=op.f('pk_hc_weekly_volumes'))
    )


def downgrade() -> None:
    op.drop_table('hc_weekly_volumes')
    op.drop_index(op.f('ix_hc_patient_attributes_concept_group_id'), table_name='hc_patient_attributes')
    op.drop_table('hc_patient_attributes')
    op.drop_table('hc_concept_competitors')
    op.drop_index(op.f('ix_hc_audience_members_user_id'), table_name='hc_audience_members')
    op.drop_table('hc_audience_members')
    op.drop_index(op.f('ix_hc_prescribers_state'), table_name='hc_prescribers')
    op.drop_index(op.f('ix_hc_prescribers_specialty'), table_name='hc_prescribers')
    op.drop_table('hc_prescribers')
    op.drop_table('hc_patient_audiences')
    op.drop_table('hc_concept_groups')
    op.drop_index(op.f('ix_hc_campaign_npis_ow_id'), table_name='hc_campaign_npis')
    op.drop_index(op.f('ix_hc_campaign_npis_campaign_id'), table_name='hc_campaign_npis')
    op.drop_table('hc_campaign_npis')
