import type {
  CancellationPreview,
  Contract,
  ContractChange,
  Customer,
  Discount,
  DiscountSubscription,
  Invoice,
  PaymentTransaction,
} from '@app/billwerk-api';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { BearerTokenGuard } from './bearer-token.guard';
import { BillwerkApiService } from './billwerk-api.service';

/** billwerk's REST API subset under /api/v1 (paths as billwerk spells them). */
@Controller('api/v1')
@UseGuards(BearerTokenGuard)
export class BillwerkApiController {
  constructor(private readonly api: BillwerkApiService) {}

  @Get('contracts/:id')
  contract(@Param('id') id: string): Contract {
    return this.api.contract(id);
  }

  @Get('contracts/:id/cancellationPreview')
  cancellationPreview(@Param('id') id: string): CancellationPreview {
    return this.api.cancellationPreview(id);
  }

  @Get('contracts/:id/discountsubscriptions')
  discountSubscriptions(@Param('id') id: string, @Query() query: unknown): DiscountSubscription[] {
    return this.api.discountSubscriptions(id, query);
  }

  @Post('contracts/:id/discountsubscriptions')
  @HttpCode(HttpStatus.CREATED)
  applyDiscount(@Param('id') id: string, @Body() body: unknown): DiscountSubscription {
    return this.api.applyDiscount(id, body);
  }

  @Get('customers/:id')
  customer(@Param('id') id: string): Customer {
    return this.api.customer(id);
  }

  @Get('customers/:id/contracts')
  customerContracts(@Param('id') id: string, @Query() query: unknown): Contract[] {
    return this.api.customerContracts(id, query);
  }

  @Get('contractChanges/:id')
  contractChange(@Param('id') id: string): ContractChange {
    return this.api.contractChange(id);
  }

  @Get('PaymentTransactions/:id')
  paymentTransaction(@Param('id') id: string): PaymentTransaction {
    return this.api.paymentTransaction(id);
  }

  @Get('invoices/:id')
  invoice(@Param('id') id: string): Invoice {
    return this.api.invoice(id);
  }

  @Get('discounts')
  discounts(@Query() query: unknown): Discount[] {
    return this.api.discounts(query);
  }
}
