// The README's Pacemaker recipe as CIB XML: cluster options for a two-node bed without a fencing
// device, the promotable postgresql clone (notify, sync_mode=fallback) and the IPaddr address
// colocated with the promoted instance and started after the promote. The Pacemaker cluster test and
// the bed's Pacemaker engine load the same configuration.

/** nvpairs with ids under prefix. */
export const nv = (prefix: string, pairs: Record<string, string>): string =>
  Object.entries(pairs).map(([k, v]) => `<nvpair id="${prefix}-${k}" name="${k}" value="${v}"/>`).join('');

/** Cluster options: no fencing device, two nodes without quorum, a short recheck (failure-timeout). */
export const recipeOptionsXml = (): string => `<cluster_property_set id="pgbeat-options">${nv('opt', {
  'stonith-enabled': 'false',
  'no-quorum-policy': 'ignore',
  'cluster-recheck-interval': '10s',
})}</cluster_property_set>`;

export interface RecipeResources {
  clone: string;
  rsc: string;
  pgdata: string;
  socketDir: string;
  vip: string;
  prefix: number;
  nic: string;
  /** The agent's peers parameter ("name=address ..."). */
  peers: string;
  reportDir: string;
  monitorPromoted: string;
  monitorUnpromoted: string;
  monitorVip: string;
}

/** The <resources> section: the clone and the address. */
export const recipeResourcesXml = (o: RecipeResources): string => `<resources>
  <clone id="${o.clone}">
    <meta_attributes id="${o.clone}-meta">${nv(`${o.clone}-meta`, {
      promotable: 'true', notify: 'true', 'promoted-max': '1', 'promoted-node-max': '1', 'clone-max': '2', 'clone-node-max': '1',
    })}</meta_attributes>
    <primitive id="${o.rsc}" class="ocf" provider="pgbeat" type="postgresql">
      <instance_attributes id="${o.rsc}-params">${nv(`${o.rsc}-params`, {
        pgdata: o.pgdata, pghost: o.socketDir, pgport: '5432', primary_host: o.vip,
        peers: o.peers, repuser: 'replicator', sync_mode: 'fallback',
        report_dir: o.reportDir,
      })}</instance_attributes>
      <meta_attributes id="${o.rsc}-meta">${nv(`${o.rsc}-meta`, { 'failure-timeout': '15s' })}</meta_attributes>
      <operations>
        <op id="${o.rsc}-start" name="start" interval="0s" timeout="120s"/>
        <op id="${o.rsc}-stop" name="stop" interval="0s" timeout="120s"/>
        <op id="${o.rsc}-promote" name="promote" interval="0s" timeout="60s"/>
        <op id="${o.rsc}-demote" name="demote" interval="0s" timeout="120s"/>
        <op id="${o.rsc}-notify" name="notify" interval="0s" timeout="60s"/>
        <op id="${o.rsc}-monitor-promoted" name="monitor" interval="${o.monitorPromoted}" role="Promoted" timeout="20s"/>
        <op id="${o.rsc}-monitor-unpromoted" name="monitor" interval="${o.monitorUnpromoted}" role="Unpromoted" timeout="20s"/>
      </operations>
    </primitive>
  </clone>
  <primitive id="vip" class="ocf" provider="pgbeat" type="IPaddr">
    <instance_attributes id="vip-params">${nv('vip-params', { ip: o.vip, cidr_netmask: String(o.prefix), nic: o.nic })}</instance_attributes>
    <operations>
      <op id="vip-start" name="start" interval="0s" timeout="20s"/>
      <op id="vip-stop" name="stop" interval="0s" timeout="20s"/>
      <op id="vip-monitor" name="monitor" interval="${o.monitorVip}" timeout="20s"/>
    </operations>
  </primitive>
</resources>`;

/** The <constraints> section: the address with the promoted instance, after the promote. */
export const recipeConstraintsXml = (clone: string): string => `<constraints>
  <rsc_colocation id="vip-with-promoted" score="INFINITY" rsc="vip" with-rsc="${clone}" with-rsc-role="Promoted"/>
  <rsc_order id="promote-then-vip" kind="Mandatory" first="${clone}" first-action="promote" then="vip" then-action="start"/>
</constraints>`;
