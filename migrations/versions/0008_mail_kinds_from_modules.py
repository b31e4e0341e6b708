"""Mail kinds are declared by the modules (core.mail_templates.register_mail_kinds), not listed in the
database: mail_templates.kind loses its CHECK of the proposals' seven kinds and grows to 50 characters.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

KINDS = (
    'acknowledgement', 'co_speaker_invitation', 'accepted', 'rejected', 'confirmation_reminder',
    'profile_reminder', 'availability_reminder',
)


def upgrade():
    with op.batch_alter_table('mail_templates', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_mail_templates_kind'), type_='check')
        batch_op.alter_column('kind', existing_type=sa.String(length=21), type_=sa.String(length=50),
                              existing_nullable=False)


def downgrade():
    with op.batch_alter_table('mail_templates', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=50), type_=sa.String(length=21),
                              existing_nullable=False)
        batch_op.create_check_constraint('kind', sa.column('kind').in_(KINDS))
