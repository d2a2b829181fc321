"""form submissions and session activity

A form's one-time token makes a second copy of it a no-op; login sessions learn when
they were last used (idle expiry) and from what browser (the account page lists them).

Revision ID: af75d711bf5a
Revises: 68d90b634921
Create Date: 2026-12-03 07:37:51.597152

"""
from alembic import op
import sqlalchemy as sa

import coordinator.models.types


# revision identifiers, used by Alembic.
revision = 'af75d711bf5a'
down_revision = '68d90b634921'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_submissions',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', coordinator.models.types.UTCDateTime(), nullable=False),
    sa.Column('location', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_form_submissions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_form_submissions'))
    )
    with op.batch_alter_table('form_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_submissions_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_form_submissions_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', coordinator.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('user_agent', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('client', sa.String(length=64), nullable=False, server_default=''))
    # Existing sessions count as last used when they began.
    op.execute("UPDATE login_sessions SET last_seen_at = created_at")
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.alter_column('last_seen_at', existing_type=coordinator.models.types.UTCDateTime(), nullable=False)
        batch_op.create_index(batch_op.f('ix_login_sessions_last_seen_at'), ['last_seen_at'], unique=False)



def downgrade():
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_sessions_last_seen_at'))
        batch_op.drop_column('client')
        batch_op.drop_column('user_agent')
        batch_op.drop_column('last_seen_at')

    with op.batch_alter_table('form_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_submissions_user_id'))
        batch_op.drop_index(batch_op.f('ix_form_submissions_created_at'))

    op.drop_table('form_submissions')
