/** iputils `ping` statistics: "3 packets transmitted, 2 received, …". */
export interface PingStatistics {
  sent: number;
  received: number;
}

export function parsePingStatistics(output: string): PingStatistics {
  const match = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(output);
  if (!match) {
    throw new Error(
      `No ping statistics line ("N packets transmitted, M received") in: ${output.trim().slice(-300)}`,
    );
  }
  return { sent: Number(match[1]), received: Number(match[2]) };
}
