"""Registrations come to life: the event's registration settings and per-mode counters, registrations with
double opt-in, check-in secret and revocable links, seat counters decided by conditional UPDATEs, seats with
a waiting list and offers, check-ins per session and the event reminders sent. The old registrations and
seats tables held no data (no page wrote them) and are recreated. Structure types gain six kinds.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


OLD_KINDS = (
    'epn', 'social_centre', 'local_authority', 'association', 'third_place', 'network', 'public_service',
    'company', 'independent', 'other',
)
KINDS = (*OLD_KINDS[:-1], 'library', 'france_services', 'ccas', 'employment', 'training', 'education', 'other')


def _structure_kinds(kinds):
    with op.batch_alter_table('speaker_profiles', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_speaker_profiles_structure_type'), type_='check')
        batch_op.create_check_constraint('structure_type', sa.column('structure_type').in_(kinds))


def _drop_old_tables():
    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seats_session_id'))
        batch_op.drop_index(batch_op.f('ix_seats_registration_id'))
    op.drop_table('seats')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registrations_user_id'))
        batch_op.drop_index(batch_op.f('ix_registrations_event_id'))
    op.drop_table('registrations')


def _create_old_tables():
    op.create_table('registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('structure', sa.String(length=200), server_default='', nullable=False),
    sa.Column('structure_type', sa.Enum('epn', 'social_centre', 'local_authority', 'association', 'third_place', 'network', 'public_service', 'company', 'independent', 'other', name='structure_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('territory', sa.String(length=200), server_default='', nullable=False),
    sa.Column('attendance', sa.Enum('on_site', 'online', name='attendance', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('state', sa.Enum('confirmed', 'cancelled', name='state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('accessibility_needs', sa.Text(), server_default='', nullable=False),
    sa.Column('consent_news', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('consent_share_with_partners', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("full_name <> ''", name=op.f('ck_registrations_name_not_empty')),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_registrations_email_lower')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_registrations_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_registrations_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registrations')),
    sa.UniqueConstraint('event_id', 'email', name=op.f('uq_registrations_event_id_email'))
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registrations_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registrations_user_id'), ['user_id'], unique=False)

    op.create_table('seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('booked', 'waiting', name='state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('promoted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_seats_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_seats_session_id_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seats')),
    sa.UniqueConstraint('registration_id', 'session_id', name=op.f('uq_seats_registration_id_session_id'))
    )
    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seats_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seats_session_id'), ['session_id'], unique=False)


def upgrade():
    _structure_kinds(KINDS)
    _drop_old_tables()
    op.create_table('registration_settings',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('is_open', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('opens_at', sa.DateTime(), nullable=True),
    sa.Column('closes_at', sa.DateTime(), nullable=True),
    sa.Column('on_site_capacity', sa.Integer(), nullable=True),
    sa.Column('online_capacity', sa.Integer(), nullable=True),
    sa.Column('on_site_taken', sa.Integer(), server_default='0', nullable=False),
    sa.Column('online_taken', sa.Integer(), server_default='0', nullable=False),
    sa.Column('offer_hours', sa.Integer(), server_default='48', nullable=False),
    sa.Column('pending_hours', sa.Integer(), server_default='48', nullable=False),
    sa.Column('reminder_days', sa.String(length=40), server_default='7,1', nullable=False),
    sa.Column('workshop_reminder_hours', sa.Integer(), server_default='24', nullable=False),
    sa.Column('retention_days', sa.Integer(), server_default='365', nullable=False),
    sa.CheckConstraint('offer_hours >= 1', name=op.f('ck_registration_settings_offer_hours_positive')),
    sa.CheckConstraint('on_site_capacity IS NULL OR on_site_capacity >= 0', name=op.f('ck_registration_settings_on_site_capacity_positive')),
    sa.CheckConstraint('on_site_taken >= 0 AND online_taken >= 0', name=op.f('ck_registration_settings_taken_positive')),
    sa.CheckConstraint('online_capacity IS NULL OR online_capacity >= 0', name=op.f('ck_registration_settings_online_capacity_positive')),
    sa.CheckConstraint('pending_hours >= 1', name=op.f('ck_registration_settings_pending_hours_positive')),
    sa.CheckConstraint('retention_days >= 30', name=op.f('ck_registration_settings_retention_days_minimum')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_registration_settings_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_registration_settings'))
    )
    op.create_table('registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('structure', sa.String(length=200), server_default='', nullable=False),
    sa.Column('structure_type', sa.Enum('epn', 'social_centre', 'local_authority', 'association', 'third_place', 'network', 'public_service', 'company', 'independent', 'library', 'france_services', 'ccas', 'employment', 'training', 'education', 'other', name='structure_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('commune', sa.String(length=200), server_default='', nullable=False),
    sa.Column('postcode', sa.String(length=5), server_default='', nullable=False),
    sa.Column('department', sa.String(length=3), server_default='', nullable=False),
    sa.Column('attendance', sa.Enum('on_site', 'online', name='attendance', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('state', sa.Enum('pending', 'confirmed', 'cancelled', name='state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('consent_accessibility', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('accessibility_needs', sa.Text(), server_default='', nullable=False),
    sa.Column('consent_news', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('consent_image', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('language', sa.String(length=8), server_default='fr', nullable=False),
    sa.Column('agenda_session_ids', sa.Text(), server_default='', nullable=False),
    sa.Column('checkin_secret', sa.String(length=40), nullable=False),
    sa.Column('link_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(), nullable=True),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("accessibility_needs = '' OR consent_accessibility", name=op.f('ck_registrations_needs_need_consent')),
    sa.CheckConstraint("full_name <> ''", name=op.f('ck_registrations_name_not_empty')),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_registrations_email_lower')),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['users.id'], name=op.f('fk_registrations_checked_in_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_registrations_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_registrations_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registrations')),
    sa.UniqueConstraint('checkin_secret', name=op.f('uq_registrations_checkin_secret')),
    sa.UniqueConstraint('event_id', 'email', name=op.f('uq_registrations_event_id_email'))
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registrations_department'), ['department'], unique=False)
        batch_op.create_index(batch_op.f('ix_registrations_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registrations_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_registrations_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_registrations_user_id'), ['user_id'], unique=False)

    op.create_table('event_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('days_before', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_event_reminders_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_reminders')),
    sa.UniqueConstraint('registration_id', 'days_before', name=op.f('uq_event_reminders_registration_id_days_before'))
    )
    with op.batch_alter_table('event_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_reminders_registration_id'), ['registration_id'], unique=False)

    op.create_table('check_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(), nullable=False),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['users.id'], name=op.f('fk_check_ins_checked_in_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_check_ins_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_check_ins_session_id_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_ins')),
    sa.UniqueConstraint('registration_id', 'session_id', name=op.f('uq_check_ins_registration_id_session_id'))
    )
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_ins_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_ins_session_id'), ['session_id'], unique=False)

    op.create_table('seat_counters',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('taken', sa.Integer(), server_default='0', nullable=False),
    sa.Column('waiting', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_ticket', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint('taken >= 0 AND waiting >= 0', name=op.f('ck_seat_counters_counts_positive')),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_seat_counters_session_id_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_seat_counters'))
    )
    op.create_table('seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('booked', 'waiting', 'offered', 'cancelled', 'declined', 'expired', name='state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('ticket', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('offered_at', sa.DateTime(), nullable=True),
    sa.Column('offer_expires_at', sa.DateTime(), nullable=True),
    sa.Column('booked_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("state <> 'offered' OR offer_expires_at IS NOT NULL", name=op.f('ck_seats_offer_has_deadline')),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_seats_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_seats_session_id_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seats')),
    sa.UniqueConstraint('registration_id', 'session_id', name=op.f('uq_seats_registration_id_session_id'))
    )
    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seats_offer_expires_at'), ['offer_expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_seats_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seats_session_id'), ['session_id'], unique=False)
        batch_op.create_index('ix_seats_session_state_ticket', ['session_id', 'state', 'ticket'], unique=False)



def downgrade():
    with op.batch_alter_table('seats', schema=None) as batch_op:
        batch_op.drop_index('ix_seats_session_state_ticket')
        batch_op.drop_index(batch_op.f('ix_seats_session_id'))
        batch_op.drop_index(batch_op.f('ix_seats_registration_id'))
        batch_op.drop_index(batch_op.f('ix_seats_offer_expires_at'))

    op.drop_table('seats')
    op.drop_table('seat_counters')
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_ins_session_id'))
        batch_op.drop_index(batch_op.f('ix_check_ins_registration_id'))

    op.drop_table('check_ins')
    with op.batch_alter_table('event_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_reminders_registration_id'))

    op.drop_table('event_reminders')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registrations_user_id'))
        batch_op.drop_index(batch_op.f('ix_registrations_state'))
        batch_op.drop_index(batch_op.f('ix_registrations_expires_at'))
        batch_op.drop_index(batch_op.f('ix_registrations_event_id'))
        batch_op.drop_index(batch_op.f('ix_registrations_department'))

    op.drop_table('registrations')
    op.drop_table('registration_settings')
    _create_old_tables()
    _structure_kinds(OLD_KINDS)
