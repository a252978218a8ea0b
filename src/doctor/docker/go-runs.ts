import type { ProjectView } from '../model.js';
import type { DockerInstruction } from '../parsers/dockerfile.js';
import {
  type DockerfileAnalysis,
  dockerfiles,
  type GoCommand,
  goCommands,
  type StageAnalysis,
} from './analysis.js';

/** A RUN that invokes go, with where it is and what it runs. */
export interface GoRun {
  analysis: DockerfileAnalysis;
  stage: StageAnalysis;
  instruction: DockerInstruction;
  commands: GoCommand[];
}

/** Every RUN of every Dockerfile that invokes go, in file order. */
export function goRuns(project: ProjectView): GoRun[] {
  return project.memo('docker:go-runs', () =>
    dockerfiles(project).flatMap((analysis) =>
      analysis.stages.flatMap((stage) =>
        stage.stage.instructions.flatMap((instruction) => {
          const commands = goCommands(stage, instruction);
          return commands.length > 0 ? [{ analysis, stage, instruction, commands }] : [];
        }),
      ),
    ),
  );
}
