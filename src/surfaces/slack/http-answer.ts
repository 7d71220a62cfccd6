import type { ServerResponse } from "node:http";

/** A complete HTTP response as data, so it can be computed on one thread and written on another. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function writeAnswer(response: ServerResponse, answer: HttpAnswer): void {
  response.writeHead(answer.status, answer.headers);
  response.end(answer.body);
}
