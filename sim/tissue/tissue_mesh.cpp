/* The block: a grid of cubes split into tets (Freudenthal), one Bullet link per tet edge, node
 * masses from the tets' volumes; the topology edits the cut and the knots make (links added and
 * removed, tables kept in step with Bullet's arrays); finding the tet a point lies in. */
#include <algorithm>

#define SCRUB_LOG_MODULE "tissue"
extern "C" {
#include "log.h"
}
#include "tissue_internal.hpp"

namespace tissue {
namespace {

void erase_value(std::vector<int> &v, int x)
{
	for (size_t i = 0; i < v.size(); i++)
		if (v[i] == x) {
			v[i] = v.back();
			v.pop_back();
			return;
		}
}

void replace_value(std::vector<int> &v, int from, int to)
{
	for (int &x : v)
		if (x == from) {
			x = to;
			return;
		}
}

}  // namespace

int layer_at_depth(const scrub_tissue *t, float depth)
{
	for (int l = 0; l < SCRUB_TISSUE_LAYER_COUNT; l++)
		if (depth <= t->layer_bottom[l] + 1e-6f)
			return l;
	return SCRUB_TISSUE_LAYER_MUSCLE;
}

void set_link_constants(scrub_tissue *t, btSoftBody::Link &l)
{
	l.m_c1 = l.m_rl * l.m_rl;
	l.m_c0 = (l.m_n[0]->m_im + l.m_n[1]->m_im) / l.m_material->m_kLST;
	(void)t;
}

int add_link(scrub_tissue *t, int a, int b, float rl, int layer)
{
	btSoftBody *sb = t->sb;
	sb->appendLink(node_ptr(t, a), node_ptr(t, b), t->mat[layer], false);
	const int li = sb->m_links.size() - 1;
	btSoftBody::Link &l = sb->m_links[li];
	l.m_rl = rl;
	set_link_constants(t, l);
	t->link_layer.push_back((uint8_t)layer);
	t->link_suture.push_back(0);
	t->link_of[edge_key(a, b)] = li;
	t->node_links[a].push_back(li);
	t->node_links[b].push_back(li);
	sb->m_bUpdateRtCst = false;  /* appendLink asks Bullet to reset every rest length: no */
	return li;
}

void remove_link(scrub_tissue *t, int li)
{
	btSoftBody *sb = t->sb;
	const int last = sb->m_links.size() - 1;
	const int a = node_index(t, sb->m_links[li].m_n[0]), b = node_index(t, sb->m_links[li].m_n[1]);
	auto own = t->link_of.find(edge_key(a, b));
	if (own != t->link_of.end() && own->second == li)
		t->link_of.erase(own);
	erase_value(t->node_links[a], li);
	erase_value(t->node_links[b], li);
	if (li != last) {
		const int c = node_index(t, sb->m_links[last].m_n[0]);
		const int d = node_index(t, sb->m_links[last].m_n[1]);
		sb->m_links.swap(li, last);
		t->link_layer[li] = t->link_layer[last];
		t->link_suture[li] = t->link_suture[last];
		if (t->link_suture[li]) {
			for (Suture &su : t->sutures)
				if (su.link == last)
					su.link = li;
		} else {
			t->link_of[edge_key(c, d)] = li;
		}
		replace_value(t->node_links[c], last, li);
		replace_value(t->node_links[d], last, li);
	}
	if (t->link_suture[(size_t)last] && li == last)
		for (Suture &su : t->sutures)
			if (su.link == li)
				su.link = -1;
	sb->m_links.pop_back();
	t->link_layer.pop_back();
	t->link_suture.pop_back();
}

void update_node_mass(scrub_tissue *t, int n)
{
	float m = 0;
	for (int ti : t->node_tets[n])
		m += t->tets[ti].rest_vol * t->desc.material[t->tets[ti].layer].density * 0.25f;
	btSoftBody::Node &nd = t->sb->m_nodes[n];
	nd.m_im = (t->pinned[n] || m <= 0) ? 0 : 1.0f / m;
	for (int li : t->node_links[n])
		set_link_constants(t, t->sb->m_links[li]);
}

void repoint_tetras(scrub_tissue *t)
{
	for (size_t i = 0; i < t->tets.size(); i++)
		for (int k = 0; k < 4; k++)
			t->sb->m_tetras[(int)i].m_n[k] = node_ptr(t, t->tets[i].n[k]);
}

/* A node added to Bullet's body (a split, a knot's bite point) with its row in every node table;
 * the tets follow if Bullet's array moved. */
int append_node(scrub_tissue *t, btVector3 x, float mass, btVector3 rest, uint8_t layer, float damp, uint8_t pinned,
                uint8_t embedded, btVector3 last_good)
{
	btSoftBody *sb = t->sb;
	const btSoftBody::Node *base = &sb->m_nodes[0];
	sb->appendNode(x, mass);
	t->rest.push_back(rest);
	t->node_layer.push_back(layer);
	t->node_damp.push_back(damp);
	t->pinned.push_back(pinned);
	t->embedded.push_back(embedded);
	t->last_good.push_back(last_good);
	t->node_stamp.push_back(0);
	t->node_flag.push_back(0);
	t->node_tets.push_back({});
	t->node_links.push_back({});
	if (&sb->m_nodes[0] != base)
		repoint_tetras(t);
	return sb->m_nodes.size() - 1;
}

int new_stamp(scrub_tissue *t)
{
	if (++t->stamp == 0) {
		std::fill(t->tet_stamp.begin(), t->tet_stamp.end(), 0);
		std::fill(t->node_stamp.begin(), t->node_stamp.end(), 0);
		t->stamp = 1;
	}
	return (int)t->stamp;
}

scrub_result build(scrub_tissue *t)
{
	const scrub_tissue_desc &d = t->desc;
	t->thickness = d.thickness[0] + d.thickness[1] + d.thickness[2];
	float acc = 0;
	for (int l = 0; l < SCRUB_TISSUE_LAYER_COUNT; l++) {
		acc += d.thickness[l];
		t->layer_bottom[l] = acc;
	}
	float h = d.element_size;
	if (d.target_tets > 0) {
		const double cells = d.target_tets / 6.0;
		h = (float)std::cbrt((double)d.size_x * d.size_y * t->thickness / cells);
	}
	const int nx = std::max(2, (int)std::lround(d.size_x / h));
	const int ny = std::max(2, (int)std::lround(d.size_y / h));
	/* z cells per layer, at least one each, proportional to thickness */
	int nzl[SCRUB_TISSUE_LAYER_COUNT];
	int nz = 0;
	for (int l = 0; l < SCRUB_TISSUE_LAYER_COUNT; l++) {
		nzl[l] = std::max(1, (int)std::lround(d.thickness[l] / h));
		nz += nzl[l];
	}
	const long ncell = (long)nx * ny * nz;
	if (ncell * 6 > 2000000) {
		LOG_E("tissue of %ld tets exceeds the limit of 2000000", ncell * 6);
		return SCRUB_ERR_LIMIT;
	}
	t->h = std::min(d.size_x / nx, d.size_y / ny);
	/* z coordinate of each level, bottom (k = 0) to top (k = nz) */
	std::vector<float> zl(nz + 1);
	std::vector<int> cell_layer(nz);
	{
		int k = nz;
		float z = 0;
		zl[k] = 0;
		for (int l = 0; l < SCRUB_TISSUE_LAYER_COUNT; l++)
			for (int c = 0; c < nzl[l]; c++) {
				z -= d.thickness[l] / nzl[l];
				cell_layer[k - 1] = l;
				zl[--k] = z;
			}
		zl[0] = -t->thickness;
	}
	const int sx = nx + 1, sy = ny + 1;
	const int nn = sx * sy * (nz + 1);
	t->gnx = nx;
	t->gny = ny;
	t->gtop = sx * sy * nz;
	auto nid = [&](int i, int j, int k) { return i + sx * (j + sy * k); };

	t->rest.resize(nn);
	t->node_layer.resize(nn);
	t->pinned.assign(nn, 0);
	for (int k = 0; k <= nz; k++)
		for (int j = 0; j <= ny; j++)
			for (int i = 0; i <= nx; i++) {
				const int n = nid(i, j, k);
				t->rest[n] = btVector3(d.size_x * i / nx, d.size_y * j / ny, zl[k]);
				t->node_layer[n] = (uint8_t)layer_at_depth(t, -zl[k]);
				const bool side = i == 0 || i == nx || j == 0 || j == ny;
				t->pinned[n] = (uint8_t)((side && !d.no_pin_sides) || (k == 0 && !d.no_pin_bottom));
			}

	/* Freudenthal split: 6 tets per cube along the main diagonal, conforming across cubes */
	static const int perm[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
	t->tets.reserve((size_t)ncell * 6);
	for (int k = 0; k < nz; k++)
		for (int j = 0; j < ny; j++)
			for (int i = 0; i < nx; i++)
				for (int p = 0; p < 6; p++) {
					int c[3] = {i, j, k};
					Tet tt;
					tt.n[0] = nid(c[0], c[1], c[2]);
					for (int s = 0; s < 3; s++) {
						c[perm[p][s]]++;
						tt.n[s + 1] = nid(c[0], c[1], c[2]);
					}
					const btVector3 &a = t->rest[tt.n[0]];
					float v = (t->rest[tt.n[1]] - a).dot((t->rest[tt.n[2]] - a).cross(t->rest[tt.n[3]] - a)) / 6;
					if (v < 0) {
						std::swap(tt.n[2], tt.n[3]);
						v = -v;
					}
					tt.rest_vol = v;
					tt.layer = cell_layer[k];
					for (int &x : tt.nbr) x = -1;
					t->tets.push_back(tt);
				}
	const int nt = (int)t->tets.size();

	/* face adjacency by sorting face keys */
	{
		struct FK { uint64_t k; int tf; };
		std::vector<FK> fk;
		fk.reserve((size_t)nt * 4);
		for (int ti = 0; ti < nt; ti++)
			for (int f = 0; f < 4; f++) {
				int v[3], m = 0;
				for (int q = 0; q < 4; q++)
					if (q != f) v[m++] = t->tets[ti].n[q];
				std::sort(v, v + 3);
				fk.push_back({((uint64_t)v[0] << 42) | ((uint64_t)v[1] << 21) | (uint64_t)v[2], ti * 4 + f});
			}
		std::sort(fk.begin(), fk.end(), [](const FK &a, const FK &b) { return a.k < b.k || (a.k == b.k && a.tf < b.tf); });
		for (size_t i = 0; i + 1 < fk.size(); i++)
			if (fk[i].k == fk[i + 1].k) {
				t->tets[fk[i].tf / 4].nbr[fk[i].tf % 4] = fk[i + 1].tf / 4;
				t->tets[fk[i + 1].tf / 4].nbr[fk[i + 1].tf % 4] = fk[i].tf / 4;
				i++;
			}
	}

	/* Bullet world and body */
	t->config = new btSoftBodyRigidBodyCollisionConfiguration();
	t->dispatcher = new btCollisionDispatcher(t->config);
	t->broadphase = new btDbvtBroadphase();
	t->solver = new btSequentialImpulseConstraintSolver();
	t->world = new btSoftRigidDynamicsWorld(t->dispatcher, t->broadphase, t->solver, t->config);
	const btVector3 g(0, 0, d.gravity > 0 ? -d.gravity : 0);
	t->world->setGravity(g);
	btSoftBodyWorldInfo &wi = t->world->getWorldInfo();
	wi.m_gravity = g;
	wi.m_broadphase = t->broadphase;
	wi.m_dispatcher = t->dispatcher;
	wi.air_density = 0;
	wi.m_maxDisplacement = 0.01f;  /* Bullet's own clamp on force-driven motion per step */
	wi.m_sparsesdf.Initialize();

	btSoftBody *sb = new btSoftBody(&wi);
	t->sb = sb;
	sb->getCollisionShape()->setMargin(t->h * 0.25f);
	t->mat_suture = sb->appendMaterial();
	t->mat_suture->m_kLST = 1;
	t->mat_suture->m_kAST = 0;
	t->mat_suture->m_kVST = 0;
	for (int l = 0; l < SCRUB_TISSUE_LAYER_COUNT; l++) {
		t->mat[l] = sb->appendMaterial();
		t->mat[l]->m_kLST = d.material[l].stiffness;
		t->mat[l]->m_kAST = 0;
		t->mat[l]->m_kVST = 0;
		if (d.material[l].volume > 0)
			t->any_volume = true;
	}
	sb->m_nodes.reserve(nn * 2 + 64);
	for (int n = 0; n < nn; n++)
		sb->appendNode(t->rest[n], 0);
	for (int n = 0; n < nn; n++)
		sb->m_nodes[n].m_material = t->mat[t->node_layer[n]];
	sb->m_tetras.reserve(nt);
	for (const Tet &tt : t->tets)
		sb->appendTetra(tt.n[0], tt.n[1], tt.n[2], tt.n[3], t->mat[tt.layer]);
	t->node_tets.assign(nn, {});
	for (int ti = 0; ti < nt; ti++)
		for (int k = 0; k < 4; k++)
			t->node_tets[t->tets[ti].n[k]].push_back(ti);

	/* links: unique tet edges; an edge shared by layers takes the upper (lower index) layer */
	{
		std::vector<std::pair<uint64_t, int>> e;
		e.reserve((size_t)nt * 6);
		for (const Tet &tt : t->tets)
			for (int a = 0; a < 4; a++)
				for (int b = a + 1; b < 4; b++)
					e.push_back({edge_key(tt.n[a], tt.n[b]), tt.layer});
		std::sort(e.begin(), e.end());
		t->node_links.assign(nn, {});
		sb->m_links.reserve((int)(e.size() / 2 + 1024));
		t->link_of.reserve(e.size() / 2 + 1024);
		const float tension = d.skin_tension;
		for (size_t i = 0; i < e.size(); i++) {
			if (i > 0 && e[i].first == e[i - 1].first)
				continue;
			const int a = (int)(e[i].first >> 32), b = (int)(e[i].first & 0xffffffffu);
			float rl = (t->rest[a] - t->rest[b]).length();
			if (e[i].second == SCRUB_TISSUE_LAYER_SKIN)
				rl *= 1.0f - tension;
			add_link(t, a, b, rl, e[i].second);
		}
	}
	for (int n = 0; n < nn; n++)
		update_node_mass(t, n);
	sb->updateArea();
	sb->m_bUpdateRtCst = false;

	sb->m_cfg.piterations = d.iterations;
	sb->m_cfg.kDP = 0;
	sb->m_cfg.collisions = 0;  /* instruments are handled here, not by Bullet's SDF contacts */
	sb->setSolver(btSoftBody::eSolverPresets::Positions);
	/* links only: no rigid contacts (instruments are handled here) and no anchors (grasp is a
	 * hard attachment, see attach_pass) */
	sb->m_cfg.m_psequence.clear();
	sb->m_cfg.m_psequence.push_back(btSoftBody::ePSolver::Linear);
	t->world->addSoftBody(sb, 1, 0);


	t->last_good.resize(nn);
	for (int n = 0; n < nn; n++)
		t->last_good[n] = t->rest[n];
	t->embedded.assign(nn, 0);
	t->tet_stamp.assign(nt, 0);
	t->node_stamp.assign(nn, 0);
	t->node_flag.assign(nn, 0);
	LOG_I("tissue %dx%dx%d cells, %d nodes, %d tets, %d links, h=%.2f mm", nx, ny, nz, nn, nt,
	      sb->m_links.size(), t->h * 1000);
	return SCRUB_OK;
}

bool locate(scrub_tissue *t, const btVector3 &p, Located *out)
{
	btSoftBody *sb = t->sb;
	/* asleep, the nodes' bounds are exact: a point well outside them is in no tet */
	const float pad = 0.001f;
	if (t->asleep && (p.x() < t->sleep_lo.x() - pad || p.y() < t->sleep_lo.y() - pad || p.z() < t->sleep_lo.z() - pad ||
	                  p.x() > t->sleep_hi.x() + pad || p.y() > t->sleep_hi.y() + pad || p.z() > t->sleep_hi.z() + pad))
		return false;
	const float r2 = (1.5f * t->h) * (1.5f * t->h);
	const int st = new_stamp(t);
	const int nn = sb->m_nodes.size();
	for (int n = 0; n < nn; n++) {
		if ((sb->m_nodes[n].m_x - p).length2() > r2)
			continue;
		for (int ti : t->node_tets[n]) {
			if (t->tet_stamp[ti] == (uint32_t)st)
				continue;
			t->tet_stamp[ti] = st;
			const Tet &tt = t->tets[ti];
			const btVector3 &a = sb->m_nodes[tt.n[0]].m_x, &b = sb->m_nodes[tt.n[1]].m_x;
			const btVector3 &c = sb->m_nodes[tt.n[2]].m_x, &dd = sb->m_nodes[tt.n[3]].m_x;
			const float v = (b - a).dot((c - a).cross(dd - a));
			if (std::fabs(v) < 1e-18f)
				continue;
			float w[4];
			w[1] = (p - a).dot((c - a).cross(dd - a)) / v;
			w[2] = (b - a).dot((p - a).cross(dd - a)) / v;
			w[3] = (b - a).dot((c - a).cross(p - a)) / v;
			w[0] = 1 - w[1] - w[2] - w[3];
			if (w[0] >= -1e-4f && w[1] >= -1e-4f && w[2] >= -1e-4f && w[3] >= -1e-4f) {
				out->tet = ti;
				out->rest = btVector3(0, 0, 0);
				for (int k = 0; k < 4; k++) {
					out->bary[k] = w[k];
					out->rest += t->rest[tt.n[k]] * w[k];
				}
				return true;
			}
		}
	}
	return false;
}

btVector3 material_point(const scrub_tissue *t, int tet, const float bary[4])
{
	const Tet &tt = t->tets[(size_t)tet];
	btVector3 p(0, 0, 0);
	for (int k = 0; k < 4; k++)
		p += t->sb->m_nodes[tt.n[k]].m_x * bary[k];
	return p;
}

void destroy_all(scrub_tissue *t)
{
	if (t->world) {
		if (t->sb) {
			t->world->removeSoftBody(t->sb);
		}
	}
	delete t->sb;
	delete t->world;
	delete t->solver;
	delete t->broadphase;
	delete t->dispatcher;
	delete t->config;
	delete t;
}

}  // namespace tissue
