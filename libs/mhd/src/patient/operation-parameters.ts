import type { Parameters, ParametersParameter } from 'fhir/r4';
import { DomainError } from '@passerelle/domain';
import { checkedShape } from '../resources/fhir-shape';
import { parameters as parametersShape } from '../resources/resource-shapes';

/** Reads the `Parameters` body of an operation (an empty body means no parameter). */
export class OperationParameters {
  private readonly parameters: readonly ParametersParameter[];

  constructor(body: unknown) {
    const resource = body as Partial<Parameters> | undefined;
    if (resource === undefined || Object.keys(resource).length === 0) {
      this.parameters = [];
      return;
    }
    if (resource.resourceType !== 'Parameters') {
      throw new DomainError('INVALID_RESOURCE', 'An operation takes a Parameters resource');
    }
    const shaped = checkedShape(parametersShape, body, 'Parameters') as Parameters;
    this.parameters = shaped.parameter ?? [];
  }

  string(name: string): string | undefined {
    const parameter = this.find(name);
    return parameter?.valueString ?? parameter?.valueCode ?? parameter?.valueIdentifier?.value;
  }

  required(name: string): string {
    const value = this.string(name);
    if (!value) throw new DomainError('METADATA_MISSING', `Parameter ${name} is required`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    return this.find(name)?.valueBoolean;
  }

  date(name: string): Date | undefined {
    const parameter = this.find(name);
    const value = parameter?.valueDate ?? parameter?.valueDateTime;
    if (value === undefined) return undefined;
    return new Date(value);
  }

  private find(name: string): ParametersParameter | undefined {
    return this.parameters.find((parameter) => parameter.name === name);
  }
}
