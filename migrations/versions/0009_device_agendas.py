"""A calendar subscription without an account: device_agendas holds the sessions a visitor's device keeps,
behind a random link (only its hash is stored).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'device_agendas',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('session_ids', sa.Text(), server_default='', nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_used_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_device_agendas_event_id_events'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_device_agendas')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_device_agendas_token_hash')),
    )
    with op.batch_alter_table('device_agendas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_agendas_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('device_agendas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_agendas_event_id'))
    op.drop_table('device_agendas')
