"""Calendar subscription links carry their own version (users.calendar_version), so that logging out,
which now ends every session, does not end them. Existing links keep working: it starts at session_version.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_version', sa.Integer(), server_default='1', nullable=False))
    op.execute('UPDATE users SET calendar_version = session_version')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('calendar_version')
