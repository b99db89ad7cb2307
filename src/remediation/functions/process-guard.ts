/**
 * A worker thread shares the process with Kubeloop: process.abort() or a signal to its own pid
 * would take the whole platform down. These calls throw instead. This guards against mistakes,
 * not against hostile code (worker threads are no sandbox; functions are trusted like playbooks).
 */
export function guardProcess(): void {
  process.abort = () => {
    throw new Error(
      'process.abort() is not allowed in a function: it would stop Kubeloop (throw an Error to fail the run)',
    );
  };
  const kill = process.kill.bind(process);
  process.kill = (pid: number, signal?: string | number): true => {
    // 0 and negative pids are process groups, Kubeloop's included.
    if (pid === process.pid || pid <= 0)
      throw new Error("process.kill() of Kubeloop's own process is not allowed in a function");
    return kill(pid, signal);
  };
}
