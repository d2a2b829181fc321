"""memberships keep the name lists sort by

Each membership keeps its user's name case-folded without accents (`sort_name`), indexed
with the partnership, so a page of People, Admin → Members or a cluster's members reads an
index range instead of sorting every member. Filled here from the users' names with a copy of
`coordinator.models.people.name_key` as it was (the application keeps it up to date from
now on).

Revision ID: a3d1bde2fa22
Revises: 322837578d87
Create Date: 2026-12-04 19:50:33.594330

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3d1bde2fa22'
down_revision = '322837578d87'
branch_labels = None
depends_on = None

BATCH = 5000


def name_key(name):
    decomposed = unicodedata.normalize('NFKD', name.casefold())
    return ''.join(c for c in decomposed if not unicodedata.combining(c))[:120]


def upgrade():
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_name', sa.String(length=120), nullable=False,
                                      server_default=''))
    connection = op.get_bind()
    memberships = sa.table('memberships', sa.column('id', sa.Integer),
                           sa.column('user_id', sa.Integer),
                           sa.column('sort_name', sa.String))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('name', sa.String))
    rows = connection.execute(sa.select(memberships.c.id, users.c.name).join(
        users, users.c.id == memberships.c.user_id)).all()
    update = (memberships.update().where(memberships.c.id == sa.bindparam('membership'))
              .values(sort_name=sa.bindparam('key')))
    for start in range(0, len(rows), BATCH):
        connection.execute(update, [{'membership': id_, 'key': name_key(name)}
                                    for id_, name in rows[start:start + BATCH]])
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index('ix_memberships_by_name', ['partnership_id', 'sort_name', 'id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_memberships_by_name')
        batch_op.drop_column('sort_name')
